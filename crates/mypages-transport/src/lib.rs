//! mypages-transport: under construction in this commit series.
