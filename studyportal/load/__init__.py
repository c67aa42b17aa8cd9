"""Load: read trainers' files from disk into text and front matter, reporting what is wrong."""
