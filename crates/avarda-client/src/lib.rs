//! avarda-client: under construction in this commit series.
