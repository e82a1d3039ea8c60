"""Everything that touches Redis' key space directly: key names, connections, the leader lease."""
