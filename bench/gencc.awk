# SPDX-License-Identifier: MIT
#
# gencc.awk - writes the C file the gcc workload of `make bench` compiles:
#
#   awk -v funcs=2000 -f gencc.awk > work.c
#   gcc -O2 -c work.c
#
# `funcs` small functions over a few structs, each with a loop, a switch,
# string handling, a struct copy or floating point, and calls to earlier
# functions (so the inliner and the interprocedural passes have work), and
# one table of all of them.  The file is the same on every run.
BEGIN {
	if (funcs == "")
		funcs = 2000
	print "#include <stddef.h>"
	print "#include <string.h>"
	print "struct pt { long x, y; double w; char tag[16]; };"
	print "struct box { struct pt lo, hi; int kind; unsigned flags; };"
	print "static long acc;"
	print "static struct box boxes[64];"
	for (i = 0; i < funcs; i++)
		emit(i)
	print "long (*const table[])(long, struct box *) = {"
	for (i = 0; i < funcs; i++)
		printf "\tf%d,\n", i
	print "};"
}

# Function i: its shape depends on i so the functions differ.
function emit(i,	a, b, c) {
	a = i > 0 ? (i * 7 + 3) % i : 0
	b = i > 1 ? (i * 13 + 5) % i : 0
	c = i % 4
	printf "long f%d(long n, struct box *bx)\n{\n", i
	printf "\tlong s = n * %d + bx->lo.x;\n", i % 11 + 1
	if (c == 0)
		printf "\tfor (long k = 0; k < (n & 7); k++)\n\t\ts += bx->hi.y * k + %d;\n", i
	else if (c == 1)
		printf "\tswitch (n & 3) {\n\tcase 0: s += %d; break;\n\tcase 1: s ^= bx->flags; break;\n\tdefault: s -= bx->hi.x; break;\n\t}\n", i
	else if (c == 2)
		printf "\tif (s & %d)\n\t\tmemcpy(&boxes[%d].hi, &bx->lo, sizeof(bx->lo));\n\ts += (long)strlen(bx->lo.tag);\n", i % 64 + 1, i % 64
	else
		printf "\tbx->lo.w = bx->lo.w * 0.5 + (double)s;\n\ts += (long)bx->lo.w;\n"
	if (i > 0)
		printf "\tif (n > %d)\n\t\ts += f%d(n - %d, bx) * 3;\n", i % 50 + 1, a, i % 50 + 1
	if (i > 1)
		printf "\tif (s %% %d == 1)\n\t\ts -= f%d(n / 2, &boxes[%d]);\n", i % 9 + 2, b, i % 64
	printf "\tacc += s;\n\tbx->kind = (int)(s & 0xff);\n\treturn s;\n}\n"
}
