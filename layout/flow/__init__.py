"""Stage 2, column flow: lines → column slots on the baseline grid."""
