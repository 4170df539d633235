DROP TABLE review_suggestions;
