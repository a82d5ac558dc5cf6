//! p4p-client: under construction in this commit series.
