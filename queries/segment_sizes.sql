-- count: respondents
-- Respondents per team and round. pulse's disclosure control leaves out teams under the minimum
-- group size and any team whose size would give a smaller one away (the same teams every
-- other output hides).
SELECT round, team, count(*) AS respondents
FROM respondents
WHERE team IS NOT NULL
GROUP BY round, team
HAVING count(*) >= {{min_group_size}}
ORDER BY round, team
