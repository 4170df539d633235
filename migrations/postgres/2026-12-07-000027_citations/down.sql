DROP TABLE citation_scans;
DROP TABLE document_citations;
