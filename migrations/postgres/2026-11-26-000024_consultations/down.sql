DROP TABLE consultation_exemptions;
DROP TABLE consultation_comments;
DROP TABLE consultations;
