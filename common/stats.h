/* stats.h: small exact tests shared by the agent's loss measurement and the analysis. */
#ifndef TRACEPAIR_STATS_H
#define TRACEPAIR_STATS_H

/*
 * One-sided Fisher exact test: the chance that a or more of the a + b
 * losses fall in the first sample when samples of n1 and n2 trials lose
 * at one rate.  Small: the first sample loses more.  1 when either
 * sample is empty, nothing was lost, or a count is out of range.
 */
double		 stats_fisher_more(int a, int n1, int b, int n2);

#endif
