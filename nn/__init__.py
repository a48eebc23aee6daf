"""chainrule's neural-network library, built from `autograd.Value`s."""
