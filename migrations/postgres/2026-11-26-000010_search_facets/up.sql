-- The agency and publication date of each indexed document, next to its tokens: a search
-- filtered by agency or year then narrows its candidates in the index's own heap before
-- sorting them, instead of reading every candidate's document. Both never change once a
-- document is published.
ALTER TABLE document_search ADD COLUMN agency_id TEXT, ADD COLUMN published_on DATE;
UPDATE document_search s SET agency_id = d.agency_id, published_on = d.published_on
  FROM documents d WHERE d.id = s.document_id;
ALTER TABLE document_search ALTER COLUMN agency_id SET NOT NULL;
