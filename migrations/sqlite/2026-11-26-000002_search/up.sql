-- The full-text index of published documents. Neither SQLite nor PostgreSQL segments
-- Chinese, and FTS5's trigram tokenizer finds nothing for a two-character term (许可, 罚款),
-- so the application writes CJK bigrams (src/domain/cjk_tokens.rs) into `tokens` and FTS5's
-- default unicode61 tokenizer takes each bigram as one token; a query term becomes a phrase
-- of its bigrams. One row per published document, written in the publishing transaction.
CREATE VIRTUAL TABLE document_search USING fts5(document_id UNINDEXED, tokens);
