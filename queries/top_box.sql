-- Top-box share per question and round among valid answers: the top two points of a 5- or
-- 7-point scale, the top three of a 10-point (1-10) or 11-point (0-10) scale.
SELECT r.round, r.question_id,
       count(r.value) AS n,
       avg(CASE WHEN r.value >= (CASE WHEN q.scale_points >= 10 THEN 8 ELSE q.scale_points - 1 END)
                THEN 1.0 ELSE 0.0 END) AS top_box
FROM responses r
JOIN questions q ON q.round = r.round AND q.question_id = r.question_id
WHERE q.kind IN ('likert', 'likelihood') AND r.value IS NOT NULL
GROUP BY r.round, r.question_id
ORDER BY r.question_id, r.round
