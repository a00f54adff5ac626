/*
 * cxxleak.cc - C++ allocations: new, new[], std::string, exceptions.
 *
 * Under the shim the report names demangled C++ functions:
 *   shop::Cart::add(int)  LEAK:new    3 blocks of sizeof(Item) = 24 bytes
 *   make_buffer(unsigned long)  LEAK:newarr 1 block, 400 bytes (new int[100])
 * and nothing from the string and exception churn, which is all freed.
 */
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace shop {
struct Item {
	long id, qty, price;
};

class Cart {
public:
	void add(int id)
	{
		Item *it = new Item{id, 1, 100};	// LEAK:new
		last_ = it;
	}
	Item *last_ = nullptr;
};
}

static int *make_buffer(unsigned long n)
{
	return new int[n];			// LEAK:newarr
}

static void churn()
{
	for (int i = 0; i < 100; i++) {
		std::string s(100, 'x');
		try {
			throw std::runtime_error(s);
		} catch (const std::exception &e) {
			s += e.what();
		}
	}
}

int main()
{
	shop::Cart cart;

	churn();
	for (int i = 0; i < 3; i++)
		cart.add(i);
	cart.last_ = nullptr;
	int *b = make_buffer(100);
	b = nullptr;
	(void)b;
	if (write(1, "cxxleak: done\n", 14) != 14)
		return 1;
	return 0;
}
