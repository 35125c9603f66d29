"""Evidence readers: typed, fail-closed views of the files the gates judge."""
