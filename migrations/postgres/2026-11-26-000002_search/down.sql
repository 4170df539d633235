DROP TABLE document_search;
