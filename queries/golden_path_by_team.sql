-- title: Golden-path adoption by team
-- chart: bar
-- x: team
-- y: developers
-- unit: developers who used the service templates in the quarter
-- count: developers
-- Developers per team who used the golden-path service templates in the reported quarter.
SELECT team, count(DISTINCT actor) AS developers
FROM usage
WHERE capability = 'service-templates'
  AND team IS NOT NULL
  AND occurred_at >= '{{period_start}}'
  AND occurred_at < '{{period_end}}'
GROUP BY team
HAVING count(DISTINCT actor) >= {{min_group_size}}
ORDER BY developers DESC, team
