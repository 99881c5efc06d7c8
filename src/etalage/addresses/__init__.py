"""Addresses in mainland China: the administrative divisions (GB/T 2260 codes) and
reading an address pasted on one line. Pure: no Django."""
