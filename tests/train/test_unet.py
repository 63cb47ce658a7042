import pytest
import torch

from bonebench.train.unet import UNet


@pytest.mark.parametrize("shape", [(2, 1, 96, 96), (1, 1, 128, 160), (3, 1, 16, 48)])
def test_same_padding_keeps_size(shape):
    net = UNet(in_channels=1, base_width=4)
    assert net(torch.zeros(shape)).shape == (shape[0], 1, shape[2], shape[3])


def test_paper_width_is_the_classic_unet():
    net = UNet(in_channels=1, base_width=64)
    n_params = sum(p.numel() for p in net.parameters())
    assert 31.0e6 < n_params < 31.1e6  # Ronneberger's U-Net with same padding: 31.04M weights
    assert [b[0].out_channels for b in net.down] + [net.bottom[0].out_channels] == [64, 128, 256, 512, 1024]


def test_more_input_channels():
    net = UNet(in_channels=3, base_width=4)
    assert net(torch.zeros(1, 3, 32, 32)).shape == (1, 1, 32, 32)
