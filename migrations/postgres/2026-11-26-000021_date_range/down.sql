DROP TABLE date_anomalies;
