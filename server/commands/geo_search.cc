// The GEO search over a sorted set and Redis's orderings of its result (see geo_search.h).
#include "server/commands/geo_search.h"

#include <algorithm>
#include <array>
#include <utility>

namespace slotd::geo {
namespace {

bool LimitReached(const std::vector<GeoPoint>& found, size_t limit) {
  return !found.empty() && limit != 0 && found.size() >= limit;
}

// The members whose score lies in the cell's 52-bit score interval [cell, cell + 1) and whose point is
// inside the shape, in score order (geoGetPointsInRange). The limit is checked after every member
// looked at, matching or not.
void CollectInCell(const ZSetValue& zset, HashBits cell, const Shape& shape, size_t limit,
                   std::vector<GeoPoint>* found) {
  HashBits next = cell;
  next.bits++;
  ZScoreRange range{static_cast<double>(Align52Bits(cell)), static_cast<double>(Align52Bits(next)),
                    /*min_exclusive=*/false, /*max_exclusive=*/true};
  ZSetValue::Ranks ranks = zset.RanksInScoreRange(range);
  if (ranks.size() == 0) return;
  ZSetValue::Cursor c = zset.At(ranks.begin);
  for (size_t i = 0; i < ranks.size(); ++i, c.Next()) {
    GeoPoint p;
    if (WithinShape(shape, c.score(), &p.point, &p.distance)) {
      p.score = c.score();
      p.member = c.member();
      found->push_back(p);
    }
    if (LimitReached(*found, limit)) break;
  }
}

using Comparator = int (*)(const GeoPoint&, const GeoPoint&);

// Redis's qsort callbacks (sort_gp_asc / sort_gp_desc), three-way on the distance.
int CompareAscending(const GeoPoint& a, const GeoPoint& b) {
  if (a.distance > b.distance) return 1;
  if (a.distance == b.distance) return 0;
  return -1;
}
int CompareDescending(const GeoPoint& a, const GeoPoint& b) { return -CompareAscending(a, b); }

// glibc's qsort (which Redis calls when every result is returned) is a top-down merge sort that splits
// n into n/2 + (n - n/2) and takes from the left run on ties. Written out so the order of equal
// distances does not depend on the standard library's stable_sort.
void MergeSort(GeoPoint* first, size_t n, GeoPoint* scratch, Comparator cmp) {
  if (n <= 1) return;
  size_t n1 = n / 2;
  size_t n2 = n - n1;
  GeoPoint* left = first;
  GeoPoint* right = first + n1;
  MergeSort(left, n1, scratch, cmp);
  MergeSort(right, n2, scratch, cmp);
  GeoPoint* out = scratch;
  while (n1 > 0 && n2 > 0) {
    if (cmp(*left, *right) <= 0) {
      *out++ = *left++;
      --n1;
    } else {
      *out++ = *right++;
      --n2;
    }
  }
  out = std::copy(left, left + n1, out);
  std::copy(scratch, out, first);  // what is left of the right run is already in place
}

// Redis's pqsort: Bentley and McIlroy's three-way quicksort that only recurses into partitions
// overlapping the ranks [wanted_first, wanted_last]. Mirrored step by step (pivot choice, the
// equal-to-pivot runs swapped to the ends and back) because with equal distances the order it leaves
// is part of the reply.
class PartialQuickSort {
 public:
  PartialQuickSort(std::vector<GeoPoint>* v, Comparator cmp, size_t wanted_first, size_t wanted_last)
      : v_(*v), cmp_(cmp), wanted_first_(wanted_first), wanted_last_(wanted_last) {}

  void Sort(size_t lo, size_t n) {
    for (;;) {
      if (n < 7) {
        InsertionSort(lo, n);
        return;
      }
      Swap(lo, ChoosePivot(lo, n));
      size_t pa = lo + 1, pb = lo + 1;
      size_t pc = lo + n - 1, pd = lo + n - 1;
      Partition(lo, &pa, &pb, &pc, &pd);
      const size_t end = lo + n;
      size_t r = std::min(pa - lo, pb - pa);
      SwapRuns(lo, pb - r, r);
      r = std::min(pd - pc, end - pd - 1);
      SwapRuns(pb, end - r, r);
      if ((r = pb - pa) > 1 && Wanted(lo, r)) Sort(lo, r);
      if ((r = pd - pc) <= 1) return;
      lo = end - r;  // the greater-than partition, iterated rather than recursed into
      n = r;
      if (!Wanted(lo, n)) return;
    }
  }

 private:
  int Cmp(size_t i, size_t j) const { return cmp_(v_[i], v_[j]); }
  void Swap(size_t i, size_t j) { std::swap(v_[i], v_[j]); }
  void SwapRuns(size_t i, size_t j, size_t n) {
    for (size_t k = 0; k < n; ++k) Swap(i + k, j + k);
  }

  void InsertionSort(size_t lo, size_t n) {
    for (size_t m = lo + 1; m < lo + n; ++m) {
      for (size_t l = m; l > lo && Cmp(l - 1, l) > 0; --l) Swap(l, l - 1);
    }
  }

  size_t Median3(size_t a, size_t b, size_t c) const {
    return Cmp(a, b) < 0 ? (Cmp(b, c) < 0 ? b : (Cmp(a, c) < 0 ? c : a))
                         : (Cmp(b, c) > 0 ? b : (Cmp(a, c) < 0 ? a : c));
  }

  // The middle element; for n > 7 the median of three, of three medians of three past 40.
  size_t ChoosePivot(size_t lo, size_t n) const {
    size_t m = lo + n / 2;
    if (n > 7) {
      size_t l = lo;
      size_t h = lo + n - 1;
      if (n > 40) {
        size_t d = n / 8;
        l = Median3(l, l + d, l + 2 * d);
        m = Median3(m - d, m, m + d);
        h = Median3(h - 2 * d, h - d, h);
      }
      m = Median3(l, m, h);
    }
    return m;
  }

  // With the pivot at lo: elements equal to it gather at [lo, pa) and (pd, end), smaller ones at
  // [pa, pb), greater ones at (pc, pd].
  void Partition(size_t lo, size_t* pa, size_t* pb, size_t* pc, size_t* pd) {
    for (;;) {
      int r;
      while (*pb <= *pc && (r = Cmp(*pb, lo)) <= 0) {
        if (r == 0) Swap((*pa)++, *pb);
        ++*pb;
      }
      while (*pb <= *pc && (r = Cmp(*pc, lo)) >= 0) {
        if (r == 0) Swap(*pc, (*pd)--);
        --*pc;
      }
      if (*pb > *pc) return;
      Swap((*pb)++, (*pc)--);
    }
  }

  // Whether [lo, lo + n) reaches into the wanted ranks (pqsort's byte-pointer test, in elements).
  bool Wanted(size_t lo, size_t n) const {
    bool before = wanted_first_ < lo && wanted_last_ < lo;
    bool after = wanted_first_ >= lo + n && wanted_last_ >= lo + n;
    return !before && !after;
  }

  std::vector<GeoPoint>& v_;
  Comparator cmp_;
  size_t wanted_first_;
  size_t wanted_last_;
};

}  // namespace

std::vector<GeoPoint> FindInShape(const ZSetValue& zset, const Shape& shape, size_t limit) {
  std::vector<GeoPoint> found;
  std::array<HashBits, 9> cells = SearchCells(shape);
  // At continental radii neighbouring cells can be one and the same; Redis skips a cell equal to the
  // one it visited last. Its "visited" index starts at 0 and 0 also means "none", so the first
  // neighbour is never compared with the centre cell.
  size_t last_visited = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].zero()) continue;
    if (last_visited != 0 && cells[i] == cells[last_visited]) continue;
    if (LimitReached(found, limit)) break;
    CollectInCell(zset, cells[i], shape, limit, &found);
    last_visited = i;
  }
  return found;
}

void SortByDistance(std::vector<GeoPoint>* points, SortOrder order, size_t returned) {
  if (order == SortOrder::kNone || points->empty()) return;
  Comparator cmp = order == SortOrder::kAsc ? CompareAscending : CompareDescending;
  if (returned >= points->size()) {
    std::vector<GeoPoint> scratch(points->size());
    MergeSort(points->data(), points->size(), scratch.data(), cmp);
    return;
  }
  PartialQuickSort(points, cmp, 0, returned - 1).Sort(0, points->size());
}

}  // namespace slotd::geo
