//! Every export format of the formats issue, on small hand-counted fixtures.
