"""Pure parsers: a platform's JSON in, items out. They never read the clock or the network."""
