"""``studyportal ledger``: members' exported study records (CSV) merged into the branch's 学习台账, one sheet per branch."""
