"""Supervision of meeting decisions (督办): problem 19's 重要会议决定事项工作督导制度."""
