// exc.cc - C++ under the shim: exceptions thrown and caught in six
// threads at once (each one allocates through __cxa_allocate_exception),
// new[]/delete[], over-aligned objects, strings and vectors.  Frees
// everything but one array.
#include <cstdio>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct alignas(64) Wide {
	char bytes[100];
};

static int *volatile keep;

static void work(int id)
{
	int caught = 0;

	for (int i = 0; i < 20000; i++) {
		try {
			std::vector<std::string> v(3, std::string(40, 'a' + id));
			if (i % 2)
				throw std::runtime_error(v[0] + std::to_string(i));
			throw i;
		} catch (const std::exception &e) {
			caught += e.what()[0] == 'a' + id;
		} catch (int) {
			caught++;
		}
		Wide *w = new Wide[3];
		if (reinterpret_cast<unsigned long>(w) % 64)
			std::printf("FAIL misaligned\n");
		delete[] w;
	}
	if (caught != 20000)
		std::printf("FAIL thread %d caught %d\n", id, caught);
}

int main()
{
	std::vector<std::thread> t;

	for (int i = 0; i < 6; i++)
		t.emplace_back(work, i);
	for (auto &x : t)
		x.join();
	keep = new int[25];	// LEAK:cxx
	std::printf("exc: 6 threads, 120000 exceptions\n");
	return 0;
}
