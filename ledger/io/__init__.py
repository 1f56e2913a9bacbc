"""File formats: import and export (jsonl, csv), scenario files, article drafting."""
