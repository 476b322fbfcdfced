"""Routes: parse, call a handler, return a schema or a page. No SQL, no access logic."""
