//! mypages-sandbox: under construction in this commit series.
