"""PySpark jobs of the shop data lake: pure transforms, I/O adapters, thin Glue entry scripts
(glue_entry/)."""
