-- Top-box share per question and round among valid answers: the top two points of a 5- or
-- 7-point scale, the top three of a 10-point (1-10) or 11-point (0-10) scale.
-- Counts per answer value first (small), then the join with the question catalog.
WITH counts AS (
    SELECT round, question_id, value, count(*) AS answers
    FROM responses
    WHERE value IS NOT NULL
    GROUP BY round, question_id, value
)
SELECT c.round, c.question_id,
       sum(c.answers) AS n,
       sum(CASE WHEN c.value >= (CASE WHEN q.scale_points >= 10 THEN 8 ELSE q.scale_points - 1 END)
                THEN c.answers ELSE 0 END) * 1.0 / sum(c.answers) AS top_box
FROM counts c
JOIN questions q ON q.round = c.round AND q.question_id = c.question_id
WHERE q.kind IN ('likert', 'likelihood')
GROUP BY c.round, c.question_id
ORDER BY c.question_id, c.round
