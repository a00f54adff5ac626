# SPDX-License-Identifier: MIT
#
# gensql.awk - writes the SQL script of the sqlite3 workload of `make bench`:
#
#   awk -v rows=200000 -f gensql.awk > work.sql
#   sqlite3 < work.sql          (no file: the database is in memory)
#
# Two tables; `rows` orders inserted one statement each, in transactions
# of 10000, with customers; then indexes, an update, joins, GROUP BY and
# ORDER BY queries, a delete, and a final count.  The numbers come from a
# fixed linear congruential sequence, so the script is the same on every
# run.
BEGIN {
	if (rows == "")
		rows = 200000
	customers = int(rows / 20) + 1
	seed = 12345
	print "PRAGMA journal_mode = OFF;"
	print "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT, city TEXT, tier INTEGER);"
	print "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, item TEXT, qty INTEGER, price REAL, note TEXT);"
	print "BEGIN;"
	for (i = 1; i <= customers; i++)
		printf "INSERT INTO customer VALUES (%d, 'customer %d', 'city%d', %d);\n",
			i, i, next_rand() % 50, next_rand() % 5
	print "COMMIT;"
	for (i = 1; i <= rows; i++) {
		if (i % 10000 == 1)
			print "BEGIN;"
		printf "INSERT INTO orders (customer, item, qty, price, note) VALUES (%d, 'item-%d', %d, %d.%02d, 'note %d for order %d');\n",
			1 + next_rand() % customers, next_rand() % 5000,
			1 + next_rand() % 20, next_rand() % 500, next_rand() % 100,
			next_rand() % 100000, i
		if (i % 10000 == 0 || i == rows)
			print "COMMIT;"
	}
	print "CREATE INDEX orders_customer ON orders(customer);"
	print "CREATE INDEX orders_item ON orders(item, qty);"
	print "CREATE INDEX customer_city ON customer(city);"
	print "UPDATE orders SET note = note || ' (big)' WHERE qty > 15;"
	print "SELECT c.city, count(*), sum(o.qty * o.price) FROM orders o JOIN customer c ON c.id = o.customer GROUP BY c.city ORDER BY 3 DESC LIMIT 10;"
	print "SELECT c.tier, o.item, count(*) AS n FROM orders o JOIN customer c ON c.id = o.customer GROUP BY c.tier, o.item ORDER BY n DESC LIMIT 10;"
	print "SELECT item, avg(price), max(qty) FROM orders GROUP BY item HAVING count(*) > 30 ORDER BY 2 DESC LIMIT 10;"
	print "SELECT count(*) FROM orders o1 JOIN orders o2 ON o1.item = o2.item AND o1.qty = o2.qty AND o1.id < o2.id WHERE o1.customer % 7 = 0;"
	print "SELECT group_concat(name, ';') FROM (SELECT name FROM customer WHERE city = 'city7' ORDER BY name LIMIT 200);"
	print "DELETE FROM orders WHERE price < 50;"
	print "SELECT count(*), sum(qty) FROM orders;"
}

# The next number of a fixed sequence (Park and Miller's minimal standard
# generator: every product stays below 2^53, exact in awk's doubles).
function next_rand() {
	seed = (seed * 16807) % 2147483647
	return seed
}
