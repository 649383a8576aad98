-- Response-quality flags per round (flagged responses are kept; analyses can exclude them).
SELECT round,
       count(*) AS responses,
       sum(CASE WHEN quality_flags LIKE '%duplicate%' THEN 1 ELSE 0 END) AS duplicates,
       sum(CASE WHEN quality_flags LIKE '%speeder%' THEN 1 ELSE 0 END) AS speeders,
       sum(CASE WHEN quality_flags LIKE '%straightliner%' THEN 1 ELSE 0 END) AS straightliners,
       sum(CASE WHEN quality_flags LIKE '%incomplete%' THEN 1 ELSE 0 END) AS incomplete
FROM respondents
GROUP BY round
ORDER BY round
