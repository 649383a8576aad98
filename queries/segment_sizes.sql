-- Respondents per team and round. Teams below the workspace's minimum group size are left out,
-- so this is safe to share.
SELECT round, team, count(*) AS respondents
FROM respondents
WHERE team IS NOT NULL
GROUP BY round, team
HAVING count(*) >= {{min_group_size}}
ORDER BY round, team
