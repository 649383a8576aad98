-- Responses and response rate per round, with the share of complete responses.
SELECT ro.round, ro.platform, ro.invited, ro.responses, ro.response_rate,
       avg(CASE WHEN re.complete THEN 1.0 ELSE 0.0 END) AS complete_share
FROM rounds ro
JOIN respondents re ON re.round = ro.round
GROUP BY ro.round, ro.platform, ro.invited, ro.responses, ro.response_rate
ORDER BY ro.round
