"""Review (stage 6): draft source maps, reviewers' comments read back, proof-round diffs."""
