"""Performance at programme scale: the scale data generator (`seed`) and the benchmark (`endpoints`, `runner`)."""
