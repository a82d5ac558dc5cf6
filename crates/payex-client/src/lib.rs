//! payex-client: under construction in this commit series.
