DROP TABLE catalogue_changes;
DROP TABLE catalogue_entries;
DROP TABLE catalogues;
