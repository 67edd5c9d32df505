#!/usr/bin/env python3
"""Prints the straight-line Keccak-f[1600] round body of core/src/kernels/sha3/x86_avx512.rs.

Lane x + 5y lives in register a[x + 5y]. θ: c[x] = five-way XOR of column x (two vpternlogq),
d[x] = c[x-1] ^ rot(c[x+1], 1); ρ and π: b[y + 5((2x + 3y) mod 5)] = rot(a[x + 5y] ^ d[x], r[x, y])
with r from FIPS 202 §3.2.2 (walked below); χ: a = b ^ (~b[x+1] & b[x+2]) (vpternlogq 0xd2).
The kernel's tests compare the result with the `sha3` crate on every length, so a wrong index
or rotation here fails them.

    python3 scripts/gen-keccak-round.py   # paste over the body between the markers
"""

rho = [0] * 25
x, y = 1, 0
for t in range(24):
    rho[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
    x, y = y, (2 * x + 3 * y) % 5

out = []
for x in range(5):
    out.append(f"let c{x} = _mm_ternarylogic_epi64::<XOR3>(_mm_ternarylogic_epi64::<XOR3>(a[{x}], a[{x + 5}], a[{x + 10}]), a[{x + 15}], a[{x + 20}]);")
for x in range(5):
    out.append(f"let d{x} = _mm_xor_si128(c{(x + 4) % 5}, _mm_rol_epi64::<1>(c{(x + 1) % 5}));")
for i in range(25):
    x, y = i % 5, i // 5
    j = y + 5 * ((2 * x + 3 * y) % 5)
    t = f"_mm_xor_si128(a[{i}], d{x})"
    out.append(f"let b{j} = {t};" if rho[i] == 0 else f"let b{j} = _mm_rol_epi64::<{rho[i]}>({t});")
for i in range(25):
    x, y = i % 5, 5 * (i // 5)
    out.append(f"a[{i}] = _mm_ternarylogic_epi64::<CHI>(b{i}, b{(x + 1) % 5 + y}, b{(x + 2) % 5 + y});")
print("\n".join("        " + l for l in out))
