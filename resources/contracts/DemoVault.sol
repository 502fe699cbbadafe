// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DemoToken} from "./DemoToken.sol";

/// @title DemoVault
/// @notice Holds DemoToken for depositors and issues shares in proportion to the vault's
///         holdings. Any single deposit or withdrawal larger than `largeMovementThreshold` also
///         emits LargeMovement, which is what the demo's alert rules watch for.
contract DemoVault {
    DemoToken public immutable token;
    uint256 public immutable largeMovementThreshold;

    uint256 public totalShares;
    mapping(address => uint256) public sharesOf;

    event Deposit(address indexed account, uint256 amount, uint256 shares);
    event Withdraw(address indexed account, uint256 amount, uint256 shares);
    event LargeMovement(address indexed account, uint256 amount);

    error ZeroAmount();
    error InsufficientShares(address account, uint256 shares, uint256 needed);

    constructor(DemoToken token_, uint256 largeMovementThreshold_) {
        token = token_;
        largeMovementThreshold = largeMovementThreshold_;
    }

    /// @notice Token amount currently held for all depositors.
    function totalAssets() public view returns (uint256) {
        return token.balanceOf(address(this));
    }

    /// @notice Moves `amount` tokens from the caller (who must have approved the vault) into the vault.
    function deposit(uint256 amount) external returns (uint256 shares) {
        if (amount == 0) revert ZeroAmount();
        uint256 assetsBefore = totalAssets();
        // The first deposit (or one into an emptied vault) sets the rate at one share per token unit.
        shares = totalShares == 0 || assetsBefore == 0 ? amount : (amount * totalShares) / assetsBefore;
        if (shares == 0) revert ZeroAmount();
        totalShares += shares;
        sharesOf[msg.sender] += shares;
        token.transferFrom(msg.sender, address(this), amount);
        emit Deposit(msg.sender, amount, shares);
        if (amount > largeMovementThreshold) emit LargeMovement(msg.sender, amount);
    }

    /// @notice Burns `shares` of the caller's shares and sends them their part of the vault's tokens.
    function withdraw(uint256 shares) external returns (uint256 amount) {
        if (shares == 0) revert ZeroAmount();
        uint256 owned = sharesOf[msg.sender];
        if (owned < shares) revert InsufficientShares(msg.sender, owned, shares);
        amount = (shares * totalAssets()) / totalShares;
        sharesOf[msg.sender] = owned - shares;
        totalShares -= shares;
        token.transfer(msg.sender, amount);
        emit Withdraw(msg.sender, amount, shares);
        if (amount > largeMovementThreshold) emit LargeMovement(msg.sender, amount);
    }
}
