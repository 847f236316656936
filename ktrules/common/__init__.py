"""Small pieces every layer uses: the error type, message catalogue, output formats, atomic writing,
reading YAML/JSON with line numbers, and the contract's vocabulary."""
