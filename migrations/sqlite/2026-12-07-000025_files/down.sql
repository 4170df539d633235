DROP TABLE file_chunks;
DROP TABLE document_files;
