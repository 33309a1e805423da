"""Stage 3, page makeup: blocks, modules, arrangement, furniture, self-check."""
