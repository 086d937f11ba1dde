// Live wall: filled in by the relocation module.
