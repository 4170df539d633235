-- The full-text index of published documents. PostgreSQL's parser takes a whole run of Han
-- characters as one word and pg_trgm cannot serve two-character terms, so the application
-- writes CJK bigrams (src/domain/cjk_tokens.rs) and stores them with
-- to_tsvector('simple', …): one lexeme per bigram, with positions, so that a query term is
-- a phrase of its bigrams (`<->`). The GIN index answers @@ without scanning the texts, and
-- the rows live in the shared database, so every instance sees a publication once it commits.
CREATE TABLE document_search (
    document_id TEXT PRIMARY KEY NOT NULL REFERENCES documents(id),
    tokens      TSVECTOR NOT NULL
);
CREATE INDEX document_search_tokens ON document_search USING GIN (tokens);
