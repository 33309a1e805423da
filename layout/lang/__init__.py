"""Language rules as data (clreq, GB/T 15834) and text normalisation."""
