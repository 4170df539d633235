DROP TABLE document_search_rows;
