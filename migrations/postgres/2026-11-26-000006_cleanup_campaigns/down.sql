DROP TABLE cleanup_items;
DROP TABLE cleanup_campaigns;
DROP TABLE interpretations;
