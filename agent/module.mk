# agent/: see Makefile
