"""This machine's files: pure byte transforms, plans, the journal and the only writes."""
