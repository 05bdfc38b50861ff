# controller/: see Makefile
