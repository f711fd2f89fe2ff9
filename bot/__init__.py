"""Interview Coach: a Slack bot that coaches a job seeker through the weeks after an interview."""
