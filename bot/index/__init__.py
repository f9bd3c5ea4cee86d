"""The SQLite fact index: `build` writes a new file and swaps it in; `query` reads it (read-only, aiosqlite)."""
